"""Every write of the volunteering module (organisations, volunteering, the incubator)."""
