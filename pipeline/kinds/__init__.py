"""Decision kinds: what each kind of Quyết định composes from its case."""
