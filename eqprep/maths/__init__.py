"""Safe formula input, answer checking, verified derivations (SymPy is imported only where needed)."""
