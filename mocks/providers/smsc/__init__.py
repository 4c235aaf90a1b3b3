"""SMSC (smsc.ru): the HTTP API of 002_8241e0b334068ee8.txt."""
