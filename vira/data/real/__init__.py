"""Loaders of real public data, each reading one on-disk format and refusing bad input by name:
``tiktok`` (TikTok VN 2025 snapshot), ``facebook`` (Facebook 2015 videos), ``aistpp`` (AIST++ 2-D
keypoints), ``vdv_files`` (the VDV clip layout on disk: the reader; ``vdv_checks`` its checks,
``vdv_export`` the writer), ``parsed_table`` (their shared base)."""
