"""Figures: periods, deadlines and every number the reports quote."""
