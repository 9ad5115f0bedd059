"""The practice's goals: KPIs declared as data (catalogue), their targets (settings), their
values and series computed from storage's aggregates (board), and how reports show them."""
