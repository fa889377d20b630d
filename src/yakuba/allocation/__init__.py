"""利用調整: which child gets which nursery seat — stable, explained, reproducible. Pure: no Django."""
