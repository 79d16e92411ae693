"""Events published by the meetings service."""
