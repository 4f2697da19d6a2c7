"""What the one-language checks of the report's pages and files leave aside as data, not the reports app's text."""

# The names in the test data (conftest), which have no English name.
NAMES = ("北海道協議会", "機関A", "機関B", "走査電子顕微鏡", "X線回折装置")
