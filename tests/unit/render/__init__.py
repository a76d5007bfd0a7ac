"""render: page list, templates' helpers, photos."""
