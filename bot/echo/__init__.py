"""Bare echo bots of each framework, the yardstick `make bench` measures the front desk against."""
