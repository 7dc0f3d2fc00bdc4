"""Users, roles and teams: who may see what."""
