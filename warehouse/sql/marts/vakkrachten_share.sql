-- marts.vakkrachten_share: the letter's estimate of vacancies a vakkrachtenregeling would fill each
-- year ($claimed, from bbl/claims/vacancies.yaml) as a share of the yearly average of open vacancies
-- (80472ned, JJ00) in all sectors (A-U) and in the technical sectors (C+F, B-F).
SELECT period, CAST(substr(period, 1, 4) AS INTEGER) AS year, scope, scope_title,
       open_x1000 * 1000 AS open_vacancies, $claimed AS vacancies_claimed,
       round($claimed / (open_x1000 * 1000) * 100, 1) AS share_pct, source_refs
FROM marts.vacancies
WHERE frequency = 'year' AND scope IN ('A-U', 'C+F', 'B-F')
ORDER BY scope, period
