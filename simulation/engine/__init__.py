"""The SimPy engine, the readable reference: women (``woman``), the practice (``practice``), one
replication (``model``)."""

from .events import Event, EventLog
from .model import ARMS, ReplicationLogs, simulate_arm, simulate_replication, simulate_reps

__all__ = ["ARMS", "Event", "EventLog", "ReplicationLogs", "simulate_arm",
           "simulate_replication", "simulate_reps"]
