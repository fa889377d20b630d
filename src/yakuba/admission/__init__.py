"""利用調整 at the city (子ども家庭課): from the vendor's delivery package to notices.

Import the package (`actions.deliveries`), match residents, add 所得割額, run a round with
the allocation engine (`yakuba.allocation`), approve it (two people), print notices, export the
results, then a second round (二次調整). Thin Django over the pure allocation core.
"""
