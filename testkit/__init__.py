"""The shared test kit: what the tests of every app, and the journeys, use.

Nothing here is a test. Test modules import from here, never from one another.

- postgres, redis_server: the throwaway PostgreSQL and Redis servers each test process starts
  (the root conftest.py's session fixtures; the benchmarks use them too);
- database: the migrated content a transactional test restores, and the `transactional` mark;
- fixtures: the pytest fixtures every app's tests share (registered by the root conftest.py):
  the home page, people in each role, councils, enquiries;
- clients: signed-in test clients (the second factor passed as well) and the admin password;
- html: reading rendered HTML, with one parser (BeautifulSoup);
- admin, enquiries, outbox, reports, analytics, production: helpers of the tests of more than
  one app (the admin's refusals and council groups, enquiries in a given state, the outbox's
  worker and mail server, the report pages, analytics switched on, the production settings);
- browser: helpers of the journeys (axe-core, focus, target sizes, filling in the form).
"""
