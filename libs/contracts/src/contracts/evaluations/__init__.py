"""Events published by the evaluations service."""
