"""Outbound: what the emulator sends (status callbacks, incoming SMS), queued on
its clock and posted with retries."""
