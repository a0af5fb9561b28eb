"""Evaluation periods and snapshots arrive with the half-year evaluation (see DESIGN.md)."""
