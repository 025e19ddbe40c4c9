"""The outgoing register (Sổ đăng ký văn bản đi, NĐ 30 Điều 15–16, Phụ lục IV): a database of numbers given."""
