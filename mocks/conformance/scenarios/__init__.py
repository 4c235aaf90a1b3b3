"""One module of scenarios per provider; importing a module registers its scenarios."""
