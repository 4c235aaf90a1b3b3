"""The control plane: the JSON API under /_mock/ that tests and people use to steer the core."""
