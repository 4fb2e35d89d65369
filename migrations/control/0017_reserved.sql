-- Reserved for another change under way (this branch's migrations must
-- have no gap); replaced by that change's 0017 when the branches meet.
SELECT 1;
