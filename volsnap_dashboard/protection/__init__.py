"""Protection plugins, their parameters, and the providers that list them."""
