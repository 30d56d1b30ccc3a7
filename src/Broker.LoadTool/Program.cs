Console.Error.WriteLine("usage: see README (load tool under construction)");
return 2;
