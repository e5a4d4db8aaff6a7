"""Engine: metrics, calendar, simulation, scoring, run store (engine/)."""
