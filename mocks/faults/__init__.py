"""Fault rules: make a provider endpoint fail the way real gateways and networks fail.

rules.py holds the rules and decides which fires; facts.py reads what a request is about;
apply.py carries the chosen fault out at the ASGI level; targets.py names what can be aimed at.
"""
