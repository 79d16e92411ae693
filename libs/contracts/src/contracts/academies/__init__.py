"""Events published by the academies service."""
