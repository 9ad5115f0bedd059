"""The staff desk: the doctor and the assistant work the inbox from the same bot."""
