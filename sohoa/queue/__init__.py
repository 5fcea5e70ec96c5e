"""Scale-out on Celery: dossiers are enqueued by path or inbox key and processed by ``sohoa worker``.

- ``sohoa.queue.app``      the Celery application, configured from ``Settings``
- ``sohoa.queue.tasks``    the task that runs the pipeline on one dossier
- ``sohoa.queue.enqueue``  bounded enqueuing (backpressure) and queue length
- ``sohoa.queue.tables``   the dead-letter and delivery-count tables
- ``sohoa.queue.ledger``   reads and writes of those tables
"""
