"""The patient's side of the front desk: onboarding, the main menu, their requests, settings."""
