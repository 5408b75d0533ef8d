"""One module per screen: group list, thread list, article."""
