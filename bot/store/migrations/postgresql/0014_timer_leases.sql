-- PostgreSQL twin of ../0014_timer_leases.sql.
-- A claimed timer is leased to the process that claimed it until lease_until (epoch
-- seconds); the process renews it while the work runs. With several processes on one
-- database, a timer whose lease ran out (its process was killed) is claimed again by
-- another within seconds, and a restart re-queues only lapsed leases, never another
-- live process's work.
ALTER TABLE timers ADD COLUMN lease_until BIGINT;
CREATE INDEX timers_running_lease ON timers(lease_until) WHERE status = 'running';
