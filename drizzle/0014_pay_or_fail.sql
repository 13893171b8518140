-- A statement that works out what it owes and pays it in one go (unlocking a search's rows and
-- charging for them, say) calls this with what it owed and whether the payment went through.
-- Failing the statement undoes everything it did, its inserts included, without a transaction
-- around it. SQLSTATE WC402 is ours: the app answers it 402 insufficient_credits.
CREATE OR REPLACE FUNCTION "pay_or_fail"("owed" bigint, "paid" boolean) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF "owed" > 0 AND NOT "paid" THEN
    RAISE EXCEPTION 'insufficient credits' USING ERRCODE = 'WC402', DETAIL = "owed"::text;
  END IF;
  RETURN "owed";
END
$$;
