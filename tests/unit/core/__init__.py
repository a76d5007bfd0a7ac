"""core: model, config, diagnostics, URLs."""
