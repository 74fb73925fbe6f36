"""Pure domain logic: no discord, no SQL."""
