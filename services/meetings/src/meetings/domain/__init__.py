"""Pure rules of meetings: the cadence (schedule), meetings and their notes, actions,
compliance. No I/O, no asyncio."""
