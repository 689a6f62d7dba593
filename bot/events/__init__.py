"""Cultural walks (走讀) and courses: event files, filters, dates, codes, calendar files, jobs."""
