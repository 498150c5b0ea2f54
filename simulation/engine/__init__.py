"""The SimPy engine, the readable reference: women (``woman``), the practice (``practice``), one
replication (``replication``)."""

from .events import Event, EventLog
from .replication import ARMS, ReplicationLogs, simulate_arm, simulate_replication, simulate_reps

__all__ = ["ARMS", "Event", "EventLog", "ReplicationLogs", "simulate_arm",
           "simulate_replication", "simulate_reps"]
