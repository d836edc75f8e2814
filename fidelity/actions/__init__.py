"""Action plans: what a unit will do about its reviews, who owns each step, by when; and the follow-up list."""
