"""A decision kind defined outside the package, as README "Adding a decision kind" describes."""
