"""Pure rules of cadre planning: standard library only, no I/O, no clock, no framework."""
