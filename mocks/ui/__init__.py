"""The sandbox inbox: a page at /_mock/ui where a person sees and steers virtual sending.

It is a client of the control API like any test: it reads /_mock/messages, follows
/_mock/events, and steers through the same routes. No build step and no CDN: one Jinja2
template, one script and one stylesheet shipped in the package.
"""
