"""What the emulator tells operators: a line per provider request, and Prometheus metrics."""
