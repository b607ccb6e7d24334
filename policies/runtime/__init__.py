"""How a run works, not a stage of it: the clock, file writing, the cache, background work, progress, the lock."""
