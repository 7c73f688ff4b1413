"""Pushing each corte to the difusores oficiales: SFTP (the package into the difusor's inbox) and
S3 (the corte's files into a bucket with static website hosting), in parallel, with retries."""
