"""What a consuming service keeps of the register, the frameworks and the phases."""
