"""The evaluations service: judgements, phase reviews and concerns."""
