"""The facts a document states (dates, times, durations, quantities, section references),
extracted once per review and cross-checked by the fact rules."""
