"""Schedules for periodic protection, kept in Cinder on the volume they
protect: when they run (timing), what they are (model), how they are
written into volume metadata (codec, store), which snapshots they keep
(retention) and what their snapshots are called (naming).

Pure logic: the only I/O is through a Cinder client passed to ``store``.
"""
