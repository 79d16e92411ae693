"""Trust improvement frameworks as data: model, Ofsted schemes, presets, validation."""
