"""上下水道料金の口座振替 (direct debit of water and sewer charges): mandates, debit runs, 全銀 kind-91
files per bank sent through the relay, results, 消込, 再振替 and 不能通知."""
