"""Provider dialects: each translates its provider's words to and from the core."""
