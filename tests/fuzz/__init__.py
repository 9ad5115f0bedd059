"""Fuzzing the front desk: random update sequences through the engine and the real bot."""
