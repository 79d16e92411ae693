"""Events published by the support service."""
